"""Writers: lay a finished document model out as DOCX (and, later, HTML → PDF). No computing."""
