/**
 * Argument validation of the AWS components: the shared idiom (components/validate.ts).
 */
export { type ArgProblem, ArgsCheck, ComponentArgsError, isEmptyString, isNonEmpty } from "../validate";
