"""The claim-checking rules: is a sentence supported, contradicted or unsupported by a paragraph
(`verifier`), read through the facts a text states (`language`, `stated`: its names, `figures`,
`dates`), who voted how (`votes`), and instructions a document gives its reader (`injection`); and
what each verdict lets an answer do (`actions`)."""
