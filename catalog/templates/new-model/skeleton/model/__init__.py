"""Training code of ${{ values.name }}."""
