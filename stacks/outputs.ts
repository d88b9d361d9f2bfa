/**
 * The stack outputs a platform team needs after `pulumi up`. `index.ts` exports exactly these.
 */
import type * as pulumi from "@pulumi/pulumi";
import type { BucketPurpose, CloudName } from "../components/contracts";
import type { OperatorAction } from "./operator-actions";

/** URLs of the platform services, all behind the internal ingress with TLS. */
export interface ServiceUrls {
  readonly mlflow: pulumi.Output<string>;
  readonly argo: pulumi.Output<string>;
  readonly grafana: pulumi.Output<string>;
  readonly featureServer: pulumi.Output<string>;
}

/** Stack outputs. */
export interface PlatformOutputs {
  readonly cloud: CloudName;
  readonly region: string;
  readonly profile: string;
  /** `development` or `production` (what production demands applies at any size). */
  readonly environment: string;
  /** Kubernetes cluster name. */
  readonly clusterName: pulumi.Output<string>;
  /** Private API endpoint of the cluster. */
  readonly clusterEndpoint: pulumi.Output<string>;
  /** Kubeconfig using the cloud CLI's exec credential plugin; a secret. */
  readonly kubeconfig: pulumi.Output<string>;
  /** Bucket (AWS) or container (Azure) names by purpose. */
  readonly buckets: Record<BucketPurpose, pulumi.Output<string>>;
  /** Container registry repository URLs by key. */
  readonly registryUrls: Record<string, pulumi.Output<string>>;
  /** MLflow, Argo, Grafana and feature-server URLs. */
  readonly urls: ServiceUrls;
  /** Internal URL of each served model, by model name. */
  readonly modelEndpoints: Record<string, pulumi.Output<string>>;
  /** What an operator must still provide (secrets, images, DNS, redirect URIs); empty when nothing is missing. */
  readonly operatorActions: readonly OperatorAction[];
}
