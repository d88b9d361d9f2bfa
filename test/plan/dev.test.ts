import { describeShippedStack } from "./shipped-stack";

describeShippedStack("dev", "aws");
