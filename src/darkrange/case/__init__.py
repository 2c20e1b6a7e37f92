"""Cases: evidence, custody, audit, legal basis and data-subject rights."""
