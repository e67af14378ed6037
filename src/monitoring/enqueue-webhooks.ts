import type { ExceptionRecord, WebhookDelivery } from '../core/exception.js';
import { newId } from '../core/ids.js';
import type { MonitoringContext } from './monitoring-context.js';
import type { Receiver, WebhookTarget } from './monitoring-policy.js';

type WebhookEvent = WebhookDelivery['event'];

const VERBS: Record<WebhookEvent, string> = {
  opened: 'opened',
  escalated: 'escalated',
  resolved: 'resolved',
};

/** What a webhook receives: the generic JSON document, or Slack's incoming-webhook shape. */
export function webhookBody(
  target: Pick<WebhookTarget, 'format'>,
  exception: ExceptionRecord,
  receiver: string,
  event: WebhookEvent,
  step: number,
): string {
  if (target.format === 'slack') {
    const severity = (exception.labels.severity ?? 'warning').toUpperCase();
    const name = exception.labels.alertname ?? 'Exception';
    return JSON.stringify({
      text: `[${severity}] ${name} ${VERBS[event]}: ${exception.summary} (${exception.id}, receiver ${receiver})`,
    });
  }
  return JSON.stringify({
    version: '1',
    event,
    receiver,
    step,
    exception: {
      id: exception.id,
      state: event === 'resolved' ? 'resolved' : exception.state,
      labels: exception.labels,
      summary: exception.summary,
      details: exception.details,
      group: exception.group,
      receivers: exception.receivers,
      openedAt: exception.openedAt,
    },
  });
}

/**
 * Writes one delivery per webhook of the receiver, in the transaction of the change it reports
 * (an outbox: nothing is posted for a change that rolls back, nothing committed is lost); the
 * runtime posts them and retries. Only what changed is sent: an opening, an escalation step,
 * and the resolution where the webhook asks for it.
 */
export async function enqueueWebhooks(
  ctx: MonitoringContext,
  exception: ExceptionRecord,
  receiver: Receiver,
  event: WebhookEvent,
  step: number,
): Promise<void> {
  const now = ctx.clock.now();
  for (const target of receiver.webhooks) {
    if (event === 'resolved' && !target.sendResolved) continue;
    await ctx.tx.exceptions.enqueueDelivery({
      id: newId('whd', now.getTime()),
      exceptionId: exception.id,
      receiver: receiver.name,
      url: target.url,
      format: target.format,
      secretEnv: target.secretEnv,
      event,
      body: webhookBody(target, exception, receiver.name, event, step),
      status: 'pending',
      attempts: 0,
      nextAttemptAt: now.toISOString(),
      lastStatus: null,
      lastError: null,
      createdAt: now.toISOString(),
      deliveredAt: null,
    });
  }
}
