/** A status as a coloured label; the colour follows the word, and the word is always shown. */
export function Badge({ value, label }: { value: string; label?: string }) {
  return <span className={`badge badge-${value}`}>{label ?? value.replace(/_/g, ' ')}</span>;
}

export function ErrorNote({ error }: { error: Error | null }) {
  if (error === null) return null;
  return (
    <p role="alert" className="error">
      {error.message}
    </p>
  );
}
