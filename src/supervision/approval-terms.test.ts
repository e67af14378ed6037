import { describe, expect, it } from 'vitest';
import type { ApprovalPolicy } from '../core/approval.js';
import { approvalTerms, DEFAULT_APPROVAL_SECONDS } from './approval-terms.js';

const org = {
  actors: new Map([
    ['hana', { kind: 'human' as const }],
    ['hugo', { kind: 'human' as const }],
    ['lena', { kind: 'human' as const }],
    ['ada', { kind: 'agent' as const }],
  ]),
  domains: new Map([
    ['support', { owners: ['hana'] }],
    ['billing', { owners: ['hugo', 'ada'] }],
  ]),
};
const support = { id: 'support', owners: ['hana'] };
const policy = (annotations: Record<string, string>): ApprovalPolicy => ({
  id: 'p',
  effect: 'permit',
  annotations: { mode: 'approval', ...annotations },
});

describe('approvalTerms', () => {
  it('defaults to the owners of the resource’s domain, for a day', () => {
    expect(approvalTerms([policy({})], support, org)).toEqual({
      approvers: ['hana'],
      expiresInSeconds: DEFAULT_APPROVAL_SECONDS,
    });
  });

  it('takes the people, domains and domain owners @approvers names, never agents', () => {
    expect(approvalTerms([policy({ approvers: 'lena, billing' })], support, org).approvers).toEqual(
      ['lena', 'hugo'],
    );
    expect(
      approvalTerms(
        [policy({ approvers: 'domain-owners' }), policy({ approvers: 'ada,lena' })],
        support,
        org,
      ).approvers,
    ).toEqual(['hana', 'lena']);
  });

  it('falls back to the domain owners when @approvers names nothing known', () => {
    expect(approvalTerms([policy({ approvers: 'billing-leads' })], support, org).approvers).toEqual(
      ['hana'],
    );
  });

  it('expires at the shortest @expires, ignoring one that does not parse', () => {
    expect(
      approvalTerms(
        [policy({ expires: '2h' }), policy({ expires: '30m' }), policy({ expires: 'soon' })],
        support,
        org,
      ).expiresInSeconds,
    ).toBe(1800);
  });
});
