/** The size profiles. */
export type SizeProfileName = "smb" | "enterprise";
