"""Case weighting methods: activity timings (`activity`) and direct weight tables (`direct`)."""
