// The days until the certificate of each gateway in front of this relay expires, in the relay's
// /metrics: each gateway sends its certificate's notAfter with its edge reports
// (gateway/edge/certificate-feed.ts), labelled {gateway} with the id of that gateway process.
// Negative once expired; fractional, so an alert can fire at any threshold (docs/acme.md#metrics).
import { Gauge, type Registry } from 'prom-client';
import type { RelayContext } from '../../stream/context.ts';
import { edgeHubOf } from '../edge/hub.ts';

const DAY_MS = 86_400_000;

export function registerCertificateMetrics(ctx: RelayContext, registers: Registry[]): void {
  new Gauge({
    name: 'icegate_certificate_expiry_days',
    help: "Days until the certificate the gateway's TLS ports present expires (negative once it has).",
    labelNames: ['gateway'] as const,
    registers,
    collect(this: Gauge<'gateway'>) {
      this.reset();
      const now = ctx.clock.now();
      for (const { gateway, certificate } of edgeHubOf(ctx)?.certificates() ?? []) this.set({ gateway }, (certificate.notAfter - now) / DAY_MS);
    },
  });
}
