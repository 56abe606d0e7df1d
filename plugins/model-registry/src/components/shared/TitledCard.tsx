import { Card, CardBody, CardHeader, Flex, Text } from '@backstage/ui';
import { ReactNode } from 'react';

/** A card with a heading, and optionally a control beside it. */
export const TitledCard = ({
  title,
  action,
  children,
}: {
  title: ReactNode;
  action?: ReactNode;
  children: ReactNode;
}) => (
  <Card>
    <CardHeader>
      <Flex align="center" justify="between">
        <Text as="h3" variant="title-x-small">
          {title}
        </Text>
        {action}
      </Flex>
    </CardHeader>
    <CardBody>{children}</CardBody>
  </Card>
);
