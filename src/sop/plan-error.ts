/** A plan that cannot be made: a missing variable, an unknown name, a time in the quiet hours. */
export interface PlanProblem {
  /** The step the problem belongs to, when it belongs to one. */
  step?: string;
  /** A plain sentence; it does not repeat the step, which the error's own message adds. */
  message: string;
}

/** Nothing is planned when this is thrown: every problem found is listed, not only the first. */
export class PlanError extends Error {
  readonly problems: PlanProblem[];

  constructor(problems: PlanProblem[]) {
    super(problems.map((p) => (p.step ? `step \`${p.step}\`: ${p.message}` : p.message)).join('\n'));
    this.name = 'PlanError';
    this.problems = problems;
  }
}
