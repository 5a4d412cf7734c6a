// A media type has an example when it carries `example`/`examples`, or its schema (or the array
// item schema) carries an `example`. Runs on the resolved document, so $refs are followed.
export default (mediaType, _options, context) => {
  if (mediaType === null || typeof mediaType !== 'object') {
    return;
  }
  if (mediaType.example !== undefined) {
    return;
  }
  if (mediaType.examples && Object.keys(mediaType.examples).length > 0) {
    return;
  }
  const schema = mediaType.schema || {};
  if (schema.example !== undefined || (schema.items && schema.items.example !== undefined)) {
    return;
  }
  const where = context.path.join('.');
  return [
    {
      message:
        `${where}: no example. Give the DTO's properties @Schema(example = ...) (OpenApiExamples` +
        ` builds the body example from them) or add @ExampleObject on the operation.`,
    },
  ];
};
