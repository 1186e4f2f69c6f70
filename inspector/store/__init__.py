"""Storage: SQLAlchemy models, engine and upserts, migrations, snapshot loading, resume."""
