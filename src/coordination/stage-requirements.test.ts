import { describe, expect, it } from 'vitest';
import type { WorkType } from '../core/model.js';
import { eligibleQueues } from './eligible-queues.js';
import { firstStageId, stageRequirements } from './stage-requirements.js';

const base: WorkType = {
  id: 'note',
  domainId: 'd',
  name: 'Note',
  description: '',
  requiredSkills: { writing: 1 },
  expectedDurationSeconds: 600,
  slaSeconds: 3600,
  maxAttempts: 3,
  stages: [],
};
const staged: WorkType = {
  ...base,
  id: 'article',
  requiredSkills: {},
  stages: [
    { id: 'draft', name: 'Draft', requiredSkills: { writing: 3 }, expectedDurationSeconds: 3600 },
    { id: 'review', name: 'Review', requiredSkills: { editing: 3 }, expectedDurationSeconds: 1800 },
    {
      id: 'approve',
      name: 'Approve',
      requiredSkills: { approval: 4 },
      expectedDurationSeconds: 900,
    },
  ],
};

describe('stageRequirements', () => {
  it("is the type's own requirement for a type without stages", () => {
    expect(stageRequirements(base, null)).toEqual({
      stage: null,
      requiredSkills: { writing: 1 },
      remainingSeconds: 600,
      next: null,
    });
    expect(firstStageId(base)).toBeNull();
  });

  it("is the current stage's skills, the time of it and every later stage, and the next stage", () => {
    expect(firstStageId(staged)).toBe('draft');
    const review = stageRequirements(staged, 'review');
    expect(review.stage).toMatchObject({ id: 'review', position: 2, of: 3 });
    expect(review.requiredSkills).toEqual({ editing: 3 });
    expect(review.remainingSeconds).toBe(2700);
    expect(review.next?.id).toBe('approve');
    expect(stageRequirements(staged, 'approve')).toMatchObject({
      remainingSeconds: 900,
      next: null,
    });
  });
});

describe('eligibleQueues', () => {
  it('judges each stage by its own skills, and a type without stages as one queue', () => {
    expect(eligibleQueues({ editing: 4, writing: 1 }, [base, staged])).toEqual({
      eligible: [
        { typeId: 'note', stageId: null },
        { typeId: 'article', stageId: 'review' },
      ],
      ineligible: [
        { typeId: 'article', stageId: 'draft', missing: ['writing ≥ 3 (has 1)'] },
        { typeId: 'article', stageId: 'approve', missing: ['approval ≥ 4 (has 0)'] },
      ],
    });
  });
});
