import { expect } from 'vitest';
import { HTTP_ORG, type HttpFixture } from './http-fixture.js';

/**
 * Policies under which agents work their own domain alone but complete only with a person's
 * approval, and refund up to 100 alone (more is refused): the approval suites' organization.
 */
export const APPROVAL_POLICIES = `@id("support-work")
permit(
  principal is Actor,
  action in [Action::"claim", Action::"start", Action::"fail", Action::"release"],
  resource is WorkItem
)
when { principal.kind == "agent" && principal in resource.domain };

@id("ticket-completions") @mode("approval")
permit(principal is Actor, action == Action::"complete", resource is WorkItem)
when { principal.kind == "agent" && principal in resource.domain };

@id("small-refunds")
permit(principal is Actor, action == Action::"refund", resource is Domain)
when { principal in resource && context.amount <= 100 };
`;

/** Applies HTTP_ORG with the `refund` action and APPROVAL_POLICIES through the API. */
export async function applyApprovalPolicies(fx: HttpFixture): Promise<void> {
  const applied = await fx.call('POST', '/v1/config/apply', {
    as: 'admin',
    body: {
      ...HTTP_ORG,
      actions: [{ id: 'refund', appliesTo: ['domain'], context: { amount: 'Long' } }],
      policies: [{ name: 'policies/approvals.cedar', text: APPROVAL_POLICIES }],
    },
  });
  expect(applied.statusCode, applied.body).toBe(200);
}
