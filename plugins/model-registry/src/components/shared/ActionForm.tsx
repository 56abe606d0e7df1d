import { Flex, Text } from '@backstage/ui';
import { FormEvent, ReactNode } from 'react';

/** A titled form of one user action; submitting runs it without a reload. */
export const ActionForm = ({
  title,
  onSubmit,
  children,
}: {
  title: string;
  onSubmit: () => void;
  children: ReactNode;
}) => (
  <form
    aria-label={title}
    onSubmit={(event: FormEvent) => {
      event.preventDefault();
      onSubmit();
    }}
  >
    <Flex direction="column" gap="2">
      <Text as="h4" variant="title-x-small">
        {title}
      </Text>
      {children}
    </Flex>
  </form>
);
