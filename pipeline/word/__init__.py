"""Word drafts: every word counted (`audit`), the package made readable for pandoc (`rewrite`), legacy
pictures converted (`pictures`)."""
