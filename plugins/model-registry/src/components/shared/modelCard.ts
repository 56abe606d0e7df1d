import { ModelCard } from '@mlreg/plugin-model-registry-common';

/** The fields of a model card, in the order people read them. */
export const MODEL_CARD_FIELDS: { key: keyof ModelCard; label: string }[] = [
  { key: 'intendedUse', label: 'Intended use' },
  { key: 'limitations', label: 'Limitations' },
  { key: 'trainingData', label: 'Training data' },
  { key: 'evaluationData', label: 'Evaluation data' },
  { key: 'ethicalConsiderations', label: 'Ethical considerations' },
  { key: 'license', label: 'License' },
];
