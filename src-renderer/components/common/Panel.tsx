/** A titled card. Fixed header height so content never shifts the layout around it. */
import type { ReactNode } from 'react';

export function Panel({ title, actions, children, className, testId }: { title: string; actions?: ReactNode; children: ReactNode; className?: string; testId?: string }) {
  return (
    <section className={`panel ${className ?? ''}`} aria-label={title} data-testid={testId}>
      <header className="panel-head">
        <h2>{title}</h2>
        {actions && <div className="panel-actions">{actions}</div>}
      </header>
      <div className="panel-body">{children}</div>
    </section>
  );
}
