"""Application services: the store, imports, the read model and its queries.

:class:`cxzy.application.app.CampaignApp` is the only place that touches the store.
"""
