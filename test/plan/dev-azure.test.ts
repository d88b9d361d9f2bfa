import { describeShippedStack } from "./shipped-stack";

describeShippedStack("dev-azure", "azure");
