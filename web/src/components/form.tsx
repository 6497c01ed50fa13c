import { useId, type ReactNode } from 'react';
import { ApiError } from '../api/client.js';

/** A labelled field with its error message right beside it, wired with aria-invalid/aria-describedby. */
export function Field({
  label,
  error,
  hint,
  id: fixedId,
  children,
}: {
  label: string;
  error?: string | null;
  hint?: ReactNode;
  id?: string;
  children: (p: { id: string; 'aria-invalid': boolean; 'aria-describedby'?: string }) => ReactNode;
}) {
  const generated = useId();
  const id = fixedId ?? generated;
  const errId = `${id}-err`;
  const hintId = `${id}-hint`;
  const describedBy = [error ? errId : null, hint ? hintId : null].filter(Boolean).join(' ') || undefined;
  return (
    <div className={error ? 'field field-invalid' : 'field'}>
      <label htmlFor={id}>{label}</label>
      {children({ id, 'aria-invalid': Boolean(error), 'aria-describedby': describedBy })}
      {hint && (
        <div className="hint" id={hintId}>
          {hint}
        </div>
      )}
      {error && (
        <div className="field-error" id={errId} role="alert">
          {error}
        </div>
      )}
    </div>
  );
}

/** An API or network error shown where the user acted, never swallowed. */
export function ErrorBanner({ error }: { error: unknown }) {
  if (!error) return null;
  const message = error instanceof ApiError ? error.message : error instanceof Error ? error.message : String(error);
  const code = error instanceof ApiError ? error.code : null;
  return (
    <div className="error-banner" role="alert">
      {code && code !== 'VALIDATION' ? <strong>{code.replace(/_/g, ' ').toLowerCase()}: </strong> : null}
      {message}
    </div>
  );
}

/**
 * Splits an API error into a message for one field (when the server named it) or the banner.
 * Server messages start with "field: " — the prefix is dropped beside the field.
 */
export function fieldError(error: unknown, field: string): string | null {
  if (error instanceof ApiError && error.field && (error.field === field || error.field.startsWith(`${field}.`)))
    return error.message.replace(/^[\w.[\]]+: /, '');
  return null;
}

export function bannerError(error: unknown, fields: string[]): unknown {
  if (error instanceof ApiError && error.field && fields.some((f) => error.field === f || error.field!.startsWith(`${f}.`))) return null;
  return error;
}
