import { TRUST_LEVEL_NAMES, type TrustEntry, type TrustPromotion } from '../api/types';
import { num, percent, timeAgo } from '../format';

const levelName = (level: number) => TRUST_LEVEL_NAMES[level] ?? `level ${level}`;

function LastChange({ entry }: { entry: TrustEntry }) {
  if (entry.setAt === null) return <>initial level</>;
  return (
    <>
      {timeAgo(entry.setAt)}
      {entry.setBy !== null && ` by ${entry.setBy}`}
      {entry.setReason !== null && entry.setReason !== '' && (
        <span className="muted">: {entry.setReason}</span>
      )}
    </>
  );
}

function nextLevel(entry: TrustEntry): string {
  if (entry.next === null) return '—';
  const how = entry.next.rule.automatic ? '' : ', a person approves';
  return entry.next.unmet === null
    ? `${entry.next.to}: met${how}`
    : `${entry.next.to}: ${entry.next.unmet}`;
}

/**
 * An agent's trust level per domain and action class, with the record it rests on (decayed
 * counts) and the promotions that wait for a person, with their buttons for those who may decide.
 */
export function TrustTable(props: {
  agentName: string;
  entries: readonly TrustEntry[];
  promotions: readonly TrustPromotion[];
  onDecide: ((promotion: TrustPromotion, decision: 'approve' | 'reject') => void) | null;
}) {
  const { entries, promotions } = props;
  return (
    <>
      <div className="table-wrap">
        <table className="trust">
          <caption>Trust of {props.agentName}</caption>
          <thead>
            <tr>
              <th scope="col">Domain</th>
              <th scope="col">Class</th>
              <th scope="col">Level</th>
              <th scope="col" className="num">
                Attempts
              </th>
              <th scope="col" className="num">
                Successes
              </th>
              <th scope="col" className="num">
                Success rate
              </th>
              <th scope="col" className="num">
                Reversals
              </th>
              <th scope="col" className="num">
                Incidents
              </th>
              <th scope="col">Last change</th>
              <th scope="col">Next level</th>
            </tr>
          </thead>
          <tbody>
            {entries.map((e) => {
              const counts = e.evidence?.counts;
              return (
                <tr
                  key={`${e.domainId}/${e.class}`}
                  data-testid={`trust-${e.actorId}-${e.domainId}-${e.class}`}
                >
                  <td>{e.domainId}</td>
                  <td>{e.class}</td>
                  <td>
                    <strong>{e.level}</strong> <span className="muted">{e.levelName}</span>
                  </td>
                  <td className="num">{num(counts?.attempts)}</td>
                  <td className="num">{num(counts?.successes)}</td>
                  <td className="num">{percent(e.evidence?.successRate, 0)}</td>
                  <td className="num">{num(counts?.reversals)}</td>
                  <td className="num">{num(counts?.incidents)}</td>
                  <td className="wrap">
                    <LastChange entry={e} />
                  </td>
                  <td>{nextLevel(e)}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      {promotions.length > 0 && (
        <>
          <h4>Promotions waiting for a person</h4>
          <ul className="controls">
            {promotions.map((p) => (
              <li key={p.id} data-testid={`promotion-${p.id}`}>
                <span>
                  {p.domainId} · {p.class}: level {p.from} → <strong>{p.to}</strong> (
                  {levelName(p.to)}), proposed {timeAgo(p.proposedAt)} after{' '}
                  {num(p.evidence.counts.attempts)} attempts, {percent(p.evidence.successRate, 0)}{' '}
                  success
                </span>
                {props.onDecide !== null && (
                  <span className="actions">
                    <button
                      type="button"
                      className="primary"
                      aria-label={`Approve the promotion of ${props.agentName} to ${p.to} in ${p.domainId} ${p.class}`}
                      onClick={() => props.onDecide?.(p, 'approve')}
                    >
                      Approve promotion
                    </button>
                    <button
                      type="button"
                      aria-label={`Reject the promotion of ${props.agentName} to ${p.to} in ${p.domainId} ${p.class}`}
                      onClick={() => props.onDecide?.(p, 'reject')}
                    >
                      Reject promotion
                    </button>
                  </span>
                )}
              </li>
            ))}
          </ul>
        </>
      )}
    </>
  );
}
