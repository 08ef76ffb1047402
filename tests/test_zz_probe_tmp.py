from test_access import _sign_in
def test_probe(client, auth, world, caplog):
    _sign_in(auth, world, "teacher_a")
    r = client.get("/teacher/pupils/9223372036854775808")
    print("PROBE", r.status_code)
    for rec in caplog.records:
        if rec.exc_info:
            import traceback
            print("TB", "".join(traceback.format_exception(*rec.exc_info))[-1500:])
