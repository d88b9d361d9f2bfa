/**
 * The internal domain resolves inside the network: every host an Ingress serves has a record in
 * a private zone of the stack's network, pointing at the internal load balancer, created after the
 * ingress controller; every URL output is one of those hosts. A zone the enterprise already runs
 * can be used instead; a bad zone id is refused naming key, value and fix.
 */
import { resolve } from "node:path";
import { describe, expect, it } from "vitest";
import { internalIngressIp, subnetLayout } from "../../components/azure/layout";
import { privateDnsProblems } from "../../components/private-dns-checks";
import { ConfigError, resolveConfig } from "../../stacks/config";
import type { PlanResource } from "../../tools/lib/harness";
import { readStackConfig } from "../../tools/lib/stack-config";
import { shippedPlan } from "../support/shipped-plan";

const ROOT = resolve(__dirname, "../..");

/** Hosts of the Ingresses and of the Traefik IngressRoutes (the canary models' `Host(`…`)` rules). */
function ingressHosts(resources: readonly PlanResource[]): string[] {
  const ingresses = resources
    .filter((r) => r.type === "kubernetes:networking.k8s.io/v1:Ingress")
    .flatMap((r) => ((r.inputs.spec as { rules: { host: string }[] }).rules ?? []).map((x) => x.host));
  const routes = resources
    .filter((r) => r.type === "kubernetes:traefik.io/v1alpha1:IngressRoute")
    .flatMap((r) =>
      (r.inputs.spec as { routes: { match: string }[] }).routes.flatMap((x) =>
        [...x.match.matchAll(/Host\(`([^`]+)`\)/g)].map((m) => m[1] as string),
      ),
    );
  return [...new Set([...ingresses, ...routes])].sort();
}

function urlHosts(outputs: Record<string, unknown>): string[] {
  const urls = [
    ...Object.values(outputs.urls as Record<string, string>),
    ...Object.values(outputs.modelEndpoints as Record<string, string>),
  ];
  return urls.map((u) => new URL(u).hostname);
}

describe.each(["dev", "uae-prod"])("AWS private zone of %s", (stack) => {
  const plan = shippedPlan(stack);
  const zone = plan.resources.find((r) => r.type === "aws:route53/zone:Zone");
  const records = plan.resources.filter((r) => r.type === "aws:route53/record:Record");
  const traefik = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "traefik");

  it("is private to the stack's VPC and named after the internal domain", () => {
    const vpc = plan.resources.find((r) => r.type === "aws:ec2/vpc:Vpc");
    expect(zone?.inputs.vpcs).toEqual([{ vpcId: vpc?.outputs.id ?? vpc?.id }]);
    expect(zone?.inputs.name).toBe(`${stack}.mlops.internal`);
  });

  it("has an alias to the internal load balancer for every host an Ingress serves, after the controller", () => {
    expect(records.map((r) => r.inputs.name).sort()).toEqual(ingressHosts(plan.resources));
    for (const r of records) {
      expect(r.inputs.type).toBe("A");
      expect((r.inputs.aliases as { name: string }[])[0]?.name).toMatch(/\.elb\.me-central-1\.amazonaws\.com$/);
      expect(r.dependencies).toContain(traefik?.urn);
    }
  });

  it("resolves every URL and model endpoint output", () => {
    const names = new Set(records.map((r) => r.inputs.name));
    for (const h of urlHosts(plan.outputs)) expect(names.has(h), h).toBe(true);
  });
});

describe.each(["dev-azure", "uae-prod-azure"])("Azure private zone of %s", (stack) => {
  const plan = shippedPlan(stack);
  const zone = plan.resources.find(
    (r) => r.type === "azure-native:privatedns:PrivateZone" && r.inputs.privateZoneName === `${stack}.mlops.internal`,
  );
  const records = plan.resources.filter((r) => r.type === "azure-native:privatedns:PrivateRecordSet");

  it("is linked to the stack's VNet", () => {
    expect(zone).toBeDefined();
    const links = plan.resources.filter(
      (r) => r.type === "azure-native:privatedns:VirtualNetworkLink" && r.dependencies.includes(zone?.urn as string),
    );
    expect(links.length).toBe(1);
    expect(links[0]?.inputs.registrationEnabled).toBe(false);
  });

  it("points every Ingress host at the load balancer's fixed address in the user subnet", () => {
    const traefik = plan.resources.find((r) => r.type === "kubernetes:helm.sh/v3:Release" && r.inputs.chart === "traefik");
    const values = traefik?.inputs.values as { service: { annotations: Record<string, string> } };
    const ip = values.service.annotations["service.beta.kubernetes.io/azure-load-balancer-ipv4"];
    expect(ip).toMatch(/^10\./);
    expect(records.map((r) => `${r.inputs.relativeRecordSetName}.${stack}.mlops.internal`).sort()).toEqual(ingressHosts(plan.resources));
    for (const r of records) expect(r.inputs.aRecords).toEqual([{ ipv4Address: ip }]);
    const names = new Set(records.map((r) => `${r.inputs.relativeRecordSetName}.${stack}.mlops.internal`));
    for (const h of urlHosts(plan.outputs)) expect(names.has(h), h).toBe(true);
  });
});

describe("the internal load balancer address", () => {
  it("is near the end of the user subnet, clear of the nodes and of Azure's reserved last address", () => {
    expect(internalIngressIp(subnetLayout("10.61.0.0/16").user)).toBe("10.61.255.250");
    expect(internalIngressIp("10.0.0.0/28")).toBe("10.0.0.10");
    expect(() => internalIngressIp("10.0.0.0/30")).toThrow(/\/28 or larger/);
  });
});

describe("bring your own zone", () => {
  function raw(stack: string): Record<string, unknown> {
    const { values } = readStackConfig(ROOT, stack);
    return Object.fromEntries(
      Object.entries(values)
        .filter(([k]) => k.startsWith("mlops-platform:"))
        .map(([k, v]) => [k.slice("mlops-platform:".length), v]),
    );
  }
  const withZone = (stack: string, id: string) => {
    const r = raw(stack);
    return { ...r, services: { ...(r.services as object), dns: { existingZoneId: id } } };
  };
  const messageOf = (stack: string, id: string) => {
    try {
      resolveConfig(withZone(stack, id), "mlops-platform", stack);
    } catch (e) {
      if (e instanceof ConfigError) return e.message;
      throw e;
    }
    return "accepted";
  };

  it("accepts a Route 53 zone id and an Azure zone of the internal domain", () => {
    expect(messageOf("dev", "Z0123456789ABCDEFGHIJ")).toBe("accepted");
    expect(
      messageOf(
        "dev-azure",
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/dev-azure.mlops.internal",
      ),
    ).toBe("accepted");
  });

  it("refuses a zone id of the wrong form or of another domain, naming key, value and fix", () => {
    expect(messageOf("dev", "zone-1")).toContain(
      'mlops-platform:services.dns.existingZoneId: "zone-1" is not a Route 53 hosted zone id (Z followed by capital letters and digits) (received: "zone-1")',
    );
    expect(
      messageOf(
        "dev-azure",
        "/subscriptions/00000000-0000-0000-0000-000000000000/resourceGroups/rg-dns/providers/Microsoft.Network/privateDnsZones/other.internal",
      ),
    ).toContain(
      'mlops-platform:services.dns.existingZoneId: the zone "other.internal" is not the internal domain "dev-azure.mlops.internal"',
    );
    expect(messageOf("dev-azure", "Z0123")).toContain("is not a Private DNS zone id");
  });

  it("refuses a host outside the domain", () => {
    expect(privateDnsProblems("aws", { domain: "a.internal", hosts: ["x.b.internal"] })).toEqual([
      'hosts: "x.b.internal" is not inside the domain "a.internal"; serve it under the domain',
    ]);
  });
});
