"""The review page for volunteers (``cagettes review``): a local web page over ``cagettes.review.decisions``."""
