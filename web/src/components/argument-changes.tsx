import type { ArgumentChange } from '../api/types';

const shown = (value: unknown) => JSON.stringify(value);

/** A diff of arguments, member by member: what was asked, struck out, and what is approved. */
export function ArgumentChanges(props: { changes: readonly ArgumentChange[]; caption: string }) {
  return (
    <div className="table-wrap">
      <table className="changes" data-testid="argument-changes">
        <caption>{props.caption}</caption>
        <thead>
          <tr>
            <th scope="col">Member</th>
            <th scope="col">Requested</th>
            <th scope="col">Approved</th>
          </tr>
        </thead>
        <tbody>
          {props.changes.map((change) => (
            <tr key={change.path}>
              <th scope="row">
                <code>{change.path}</code>
              </th>
              <td>
                {'requested' in change ? (
                  <del>
                    <code>{shown(change.requested)}</code>
                  </del>
                ) : (
                  <span className="muted">(absent)</span>
                )}
              </td>
              <td>
                {'approved' in change ? (
                  <ins>
                    <code>{shown(change.approved)}</code>
                  </ins>
                ) : (
                  <span className="muted">(removed)</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
