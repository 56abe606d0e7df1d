import { useApi } from '@backstage/frontend-plugin-api';
import { Button, Flex, Text, TextAreaField, TextField } from '@backstage/ui';
import {
  describeInvalidAlias,
  ModelVersion,
} from '@mlreg/plugin-model-registry-common';
import { useState } from 'react';
import { modelRegistryApiRef } from '../../api';
import { ActionForm, useActionOutcome } from '../shared';

/** Sets an alias on the version, moving it from whichever version held it. */
export const SetAliasForm = ({
  version,
  onChanged,
}: {
  version: ModelVersion;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const [alias, setAlias] = useState('');
  const [touched, setTouched] = useState(false);
  const { pending, run, feedback } = useActionOutcome();
  const invalid = alias.trim()
    ? describeInvalidAlias(alias.trim())
    : 'Enter an alias name.';
  const submit = () => {
    setTouched(true);
    if (invalid) return;
    run(async () => {
      const name = alias.trim();
      await api.setAlias(version.model, name, version.version);
      onChanged();
      setAlias('');
      setTouched(false);
      return `${name} now points to v${version.version}.`;
    });
  };
  return (
    <ActionForm title="Set or move an alias" onSubmit={submit}>
      <Flex align="end" gap="2">
        <TextField
          label="Alias"
          placeholder="e.g. champion, staging, production"
          value={alias}
          onChange={setAlias}
          isInvalid={touched && !!invalid}
        />
        <Button type="submit" variant="primary" isDisabled={pending}>
          Set alias
        </Button>
      </Flex>
      {touched && invalid && <Text color="danger">{invalid}</Text>}
      {feedback}
    </ActionForm>
  );
};

/** Edits what stays editable on a READY version: description and tags. */
export const EditVersionForm = ({
  version,
  onChanged,
}: {
  version: ModelVersion;
  onChanged: () => void;
}) => {
  const api = useApi(modelRegistryApiRef);
  const [description, setDescription] = useState(version.description);
  const [tags, setTags] = useState(version.tags.join(', '));
  const { pending, run, feedback } = useActionOutcome();
  const submit = () =>
    run(async () => {
      await api.updateVersion(version.model, version.version, {
        description,
        tags: tags
          .split(',')
          .map(tag => tag.trim())
          .filter(Boolean),
      });
      onChanged();
      return `Saved v${version.version}.`;
    });
  return (
    <ActionForm title="Edit description and tags" onSubmit={submit}>
      <TextAreaField
        label="Description"
        value={description}
        onChange={setDescription}
      />
      <TextField
        label="Tags"
        description="Comma-separated"
        value={tags}
        onChange={setTags}
      />
      <Flex>
        <Button type="submit" variant="secondary" isDisabled={pending}>
          Save
        </Button>
      </Flex>
      {feedback}
    </ActionForm>
  );
};
