/**
 * Argument validation of the Azure components: the shared idiom (components/validate.ts) plus
 * the check every Azure component that places resources makes, a UAE location.
 */
import { AZURE_UAE_LOCATIONS } from "../../contracts/regions";
import { ArgsCheck as SharedArgsCheck } from "../validate";

export { type ArgProblem, ComponentArgsError } from "../validate";

/** {@link SharedArgsCheck} with the Azure location rule. */
export class ArgsCheck extends SharedArgsCheck {
  /** `location` must be a UAE Azure location. */
  location(location: unknown, arg = "location"): this {
    return this.require(
      typeof location === "string" && (AZURE_UAE_LOCATIONS as readonly string[]).includes(location),
      arg,
      location,
      `must be a UAE Azure location: one of ${AZURE_UAE_LOCATIONS.join(", ")}`,
    );
  }
}
