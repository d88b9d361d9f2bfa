import { describeShippedStack } from "./shipped-stack";

describeShippedStack("uae-prod-azure", "azure");
