"""The final accounts (决算): the department file's model, its link to the same year's 预算,
its self-evaluation tables and its checks. The document's shape is the profile's final/ folder."""
