/** The drill score: total, each part with its measured figure, and the formula in words. */
import type { DrillScore } from '../../../src-main/api/index.js';
import { scorePartText, scoreTotal } from '../../../src-main/api/index.js';

export function ScoreCard({ score, testId = 'drill-score' }: { score: DrillScore; testId?: string }) {
  return (
    <div className="score-card" data-testid={testId} data-total={score.total} data-max={score.max}>
      <div className="score-total tabular">
        <span className="score-big">{scoreTotal(score.total)}</span>
        <span className="muted"> / {score.max}</span>
      </div>
      <table className="table compact">
        <tbody>
          {score.parts.map((p) => (
            <tr key={p.name} data-testid={`score-${p.name}`}>
              <th scope="row">{p.name}</th>
              <td className="tabular nowrap">
                {scorePartText(p.points, p.max)}
              </td>
              <td className="small">{p.detail}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <p className="muted small score-formula" data-testid="score-formula">
        {score.formula}
      </p>
      <p className="muted small">
        hints used {score.hintsUsed} · shell commands {score.commandsUsed}
      </p>
    </div>
  );
}
