import { adf, adfToText, describeInvalidAdf, textToAdf } from './adf';

describe('adf', () => {
  it('builds documents Jira accepts', () => {
    const doc = adf.doc(
      adf.heading(2, 'Model ', adf.code('churn')),
      adf.paragraph(
        adf.strong('Owner'),
        ': ',
        adf.link('data-science', 'https://b/g'),
      ),
      adf.orderedList('train', [
        adf.paragraph('evaluate'),
        adf.bulletList('auc'),
      ]),
      adf.codeBlock('python train.py', 'bash'),
      adf.rule(),
    );
    expect(describeInvalidAdf(doc)).toBeUndefined();
    expect(adfToText(doc)).toBe(
      [
        'Model churn',
        'Owner: data-science (https://b/g)',
        '1. train\n2. evaluate\n  * auc',
        'python train.py',
        '----',
      ].join('\n\n'),
    );
  });

  it('turns text into paragraphs and drops empty text nodes', () => {
    expect(textToAdf('\n\n')).toEqual({ type: 'doc', version: 1, content: [] });
    expect(adf.paragraph('')).toEqual({ type: 'paragraph', content: [] });
    expect(adfToText(textToAdf('a\nb\n\n c '))).toBe('a\nb\n\nc');
  });

  it.each([
    ['text', 'value is not an ADF document (an object with type "doc")'],
    [{ type: 'paragraph' }, 'the root node must have type "doc"'],
    [{ type: 'doc', content: [] }, 'the document must have version 1'],
    [{ type: 'doc', version: 1 }, 'the document has no content array'],
    [
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: [{ type: 'text', text: '' }] }],
      },
      'doc.content[0].content[0] is a text node without text',
    ],
    [
      { type: 'doc', version: 1, content: [{ content: [] }] },
      'doc.content[0] has no type',
    ],
    [
      {
        type: 'doc',
        version: 1,
        content: [{ type: 'paragraph', content: {} }],
      },
      'doc.content[0].content is not an array',
    ],
  ])('finds what is wrong with %j', (value, problem) => {
    expect(describeInvalidAdf(value)).toBe(problem);
  });
});
