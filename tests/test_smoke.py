def test_start_page_offers_pupil_and_grown_up_ways_in(client):
    page = client.get("/").get_data(as_text=True)
    assert "I am a pupil" in page and "I am a grown-up" in page
    assert 'href="/tablet"' in page and 'href="/signin"' in page
