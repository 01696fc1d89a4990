"""Test support shared by the test packages: the CLI runner (`cli`), golden files
(`golden`), the OpenAPI conformance checker (`conformance`) and Twilio's OpenAPI specs it
reads (`openapi/`). None of it is part of the installed package."""
