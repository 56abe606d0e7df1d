import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Grid, NumberField, TextField } from '@backstage/ui';
import { Model } from '@mlreg/plugin-model-registry-common';
import { useState } from 'react';
import { modelRegistryApiRef } from '../../api';
import { ActionForm, useActionOutcome } from '../shared';

/** Records a business KPI of the model, e.g. revenue impact per month. */
export const KpiForm = ({
  model,
  onChanged,
}: {
  model: Model;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const [name, setName] = useState('');
  const [value, setValue] = useState<number>(NaN);
  const [unit, setUnit] = useState('');
  const [period, setPeriod] = useState('');
  const { run, pending, feedback } = useActionOutcome();
  const submit = () =>
    run(async () => {
      const kpi = name.trim();
      if (!kpi) throw new Error('Name the KPI, e.g. revenue-impact.');
      if (!Number.isFinite(value)) throw new Error('Enter a numeric value.');
      await api.setKpi(model.name, kpi, {
        value,
        unit: unit.trim() || undefined,
        period: period.trim() || undefined,
      });
      onChanged();
      setName('');
      setValue(NaN);
      return `Recorded ${kpi}.`;
    });
  return (
    <ActionForm title="Record a KPI" onSubmit={submit}>
      <Grid.Root columns={{ initial: '2', md: '4' }} gap="2">
        <TextField
          label="KPI"
          placeholder="revenue-impact"
          value={name}
          onChange={setName}
        />
        <NumberField label="Value" value={value} onChange={setValue} />
        <TextField
          label="Unit"
          placeholder="EUR"
          value={unit}
          onChange={setUnit}
        />
        <TextField
          label="Period"
          placeholder="2026-10"
          value={period}
          onChange={setPeriod}
        />
      </Grid.Root>
      <Flex>
        <Button type="submit" variant="secondary" isDisabled={pending}>
          Record
        </Button>
      </Flex>
      {feedback}
    </ActionForm>
  );
};

/** Archives the model (no new versions) or restores it. */
export const ArchiveButton = ({
  model,
  onChanged,
}: {
  model: Model;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const { run, pending, feedback } = useActionOutcome();
  const toggle = () =>
    run(async () => {
      if (model.archived) await api.restoreModel(model.name);
      else await api.archiveModel(model.name);
      onChanged();
      return model.archived ? 'Model restored.' : 'Model archived.';
    });
  return (
    <Flex direction="column" gap="2">
      <Flex>
        <Button variant="secondary" isDisabled={pending} onPress={toggle}>
          {model.archived ? 'Restore model' : 'Archive model'}
        </Button>
      </Flex>
      {feedback}
    </Flex>
  );
};
