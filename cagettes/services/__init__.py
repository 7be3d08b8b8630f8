"""The use cases: one plain function each, called by the command line and the review page alike.

    workspace   init_workspace, load_catalog
    months      open_month, load_month (with what last month carried over)
    printing    print_month, print_posters, build_site
    scanning    scan_job, scan_batch, scan_inbox (a watched folder is a loop around it)
    status      month_status
    closing     close_month, reopen_month, write_documents, record_payment, export_orders
    review      open_review (the review page's state: its decisions go through cagettes.review)
    demo        run_demo: the whole month on the sample association

A service takes a :class:`~cagettes.storage.workspace.Workspace` and returns plain records; it
never prints. What the user is told is the shell's business (cagettes.cli, cagettes.web).
"""
