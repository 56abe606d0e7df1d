import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// The tabs render a whole test app; on a busy CI machine that takes seconds.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);
