"""Signing in and out: adults with email and password; pupils on a class tablet."""
from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, session, url_for
from flask_login import current_user

from ..access import home_endpoint, is_dsl, is_staff
from ..models import PIN_LENGTH
from ..paths import asset_dir
from ..rate_limits import rate_limit
from ..security import safe_next
from ..services import accounts, sessions
from ..services import pupil_signin as ps
from ..services.markdown import render_markdown_file
from ..services.scope import class_or_404
from . import bp
from .forms import ChangePasswordForm, ClassCodeForm, PinForm, SignInForm

bp.after_request(ps.remember_device)  # the device cookie wrong guesses are counted under

# Local storage is kept: on a class tablet it may hold pupils' answers that
# are still waiting for the network (see static/js/player.js).
CLEAR_ADULT = '"cache", "cookies"'
# A pupil's sign-out clears the browser's cache of their pages. It keeps the
# tablet's cookie (it holds the class sign-in) and local storage, where
# answers made offline wait to be sent (they carry no names, only the
# pupil's signed answer token and choices).
CLEAR_PUPIL = '"cache"'


@bp.get("/")
def index():
    if current_user.is_authenticated:
        return redirect(url_for(home_endpoint(current_user)))
    return render_template("auth/index.html", tablet=ps.get_open(session.get("tablet")))


@bp.route("/signin", methods=["GET", "POST"])
@rate_limit("60 per minute")
def signin():
    form = SignInForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        result = accounts.authenticate(form.email.data, form.password.data)
        if result.locked:
            flash("Too many unsuccessful tries for this account. Please wait 15 minutes and try again.", "error")
            return render_template("auth/signin.html", form=form), 429
        if result.user is None:
            flash("That email and password do not match an account. Please check them and try again.", "error")
            return render_template("auth/signin.html", form=form), 401
        sessions.start(result.user)
        return redirect(safe_next(form.next.data, landing_url(result.user)))
    return render_template("auth/signin.html", form=form)


def landing_url(user) -> str:
    """Where an adult lands after signing in: the DSL team on the concerns
    queue when something new is waiting, everyone else on their home page."""
    if is_dsl(user):
        from ..services.concerns import new_count

        if new_count(user.school_id):
            return url_for("safeguarding.queue")
    return url_for(home_endpoint(user))


@bp.route("/account/password", methods=["GET", "POST"])
@rate_limit("20 per 15 minutes")
def change_password():
    """Any signed-in adult changes their own password (pupils have picture PINs, reset by their teacher)."""
    if not current_user.is_authenticated:
        return redirect(url_for("auth.signin", next=request.path))
    if current_user.is_pupil:
        abort(403)
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if accounts.change_password(current_user, form.current.data, form.new.data, current_user.get_id()):
            flash("Your password is changed. Any other device you were signed in on is now signed out.", "success")
            return redirect(url_for(home_endpoint(current_user)))
        form.current.errors = ["That is not your password now. Please try again."]
    return render_template("auth/change_password.html", form=form), 400 if form.errors else 200


@bp.post("/signout")
def signout():
    was_pupil = current_user.is_authenticated and current_user.is_pupil
    if current_user.is_authenticated:
        sessions.end(current_user.get_id())
    if was_pupil:
        return _back_to_class_list()
    session.clear()
    response = redirect(url_for("auth.index"))
    response.headers["Clear-Site-Data"] = CLEAR_ADULT
    flash("You have signed out.", "info")
    return response


# ------------------------------------------------------------ class tablets


@bp.route("/tablet", methods=["GET", "POST"])
@rate_limit("600 per minute")  # a flood cap only: wrong codes are counted in ps
def tablet():
    """A tablet joins an open class sign-in by typing the class code."""
    if ps.get_open(session.get("tablet")) is not None and request.method == "GET":
        return redirect(url_for("auth.class_list"))
    form = ClassCodeForm()
    if form.validate_on_submit():
        ip = request.remote_addr or "unknown"
        if ps.guessing_blocked("code", ip):
            flash("Too many wrong codes. Please ask your teacher for help.", "error")
            return render_template("auth/tablet.html", form=form), 429
        signin = ps.find_open_by_code(form.code.data)
        if signin is None:
            ps.count_wrong_guess("code", ip)
            flash("That code did not work. Check it with your teacher and try again.", "error")
            return render_template("auth/tablet.html", form=form), 400
        if current_user.is_authenticated:
            sessions.end(current_user.get_id())
        session.clear()
        session["tablet"] = signin.id
        return redirect(url_for("auth.class_list"))
    return render_template("auth/tablet.html", form=form)


def _open_tablet_signin():
    return ps.get_open(session.get("tablet"))


@bp.get("/tablet/class")
def class_list():
    signin = _open_tablet_signin()
    if signin is None:
        session.pop("tablet", None)
        return redirect(url_for("auth.tablet"))
    if current_user.is_authenticated and current_user.is_pupil:
        return redirect(url_for("pupil.home"))
    return render_template("auth/class_list.html", signin=signin, pupils=ps.class_list(signin))


@bp.route("/tablet/pupil/<int:pupil_id>", methods=["GET", "POST"])
def pin(pupil_id: int):
    signin = _open_tablet_signin()
    if signin is None:
        return redirect(url_for("auth.tablet"))
    if current_user.is_authenticated and current_user.is_pupil:
        return redirect(url_for("pupil.home"))  # "Not me? Switch" first
    pupil = ps.pupil_in_signin(signin, pupil_id)
    if pupil is None:
        return render_template("errors/error.html", code=404, title="We could not find that name",
                               message="Go back and tap your name on the class list."), 404
    form = PinForm()
    so_far: list[str] = []
    status = 200
    if ps.is_locked(pupil):
        return render_template("auth/pin.html", pupil=pupil, form=form, so_far=[], locked=True, pictures=ps.PIN_PICTURES,
                               pin_length=PIN_LENGTH), 429
    if form.validate_on_submit():
        attempt = _pictures_from(form)
        if attempt is None:
            flash("Please tap the pictures on the screen.", "error")
            status = 400
        elif len(attempt) < PIN_LENGTH:
            so_far = attempt  # no JavaScript: one tap per page
        else:
            result = ps.check_pin(pupil, attempt, request.remote_addr or "unknown")
            if result.ok:
                sessions.start(pupil, class_signin=signin)
                return redirect(url_for("pupil.home"))
            if result.throttled:
                flash("Too many wrong pictures on this tablet. Please ask your teacher for help.", "error")
                return render_template("auth/pin.html", pupil=pupil, form=form, so_far=[], locked=False,
                                       pictures=ps.PIN_PICTURES, pin_length=PIN_LENGTH), 429
            if result.locked:
                return render_template("auth/pin.html", pupil=pupil, form=form, so_far=[], locked=True,
                                       pictures=ps.PIN_PICTURES, pin_length=PIN_LENGTH), 429
            flash("Those pictures were not right. Try again, or ask your teacher.", "error")
            status = 401
    return render_template("auth/pin.html", pupil=pupil, form=form, so_far=so_far, locked=False,
                           pictures=ps.PIN_PICTURES, pin_length=PIN_LENGTH), status


def _pictures_from(form: PinForm) -> list[str] | None:
    if form.pin.data:
        picks = form.pin.data.split("-")
    else:
        picks = [p for p in (form.so_far.data or "").split("-") if p] + ([form.pick.data] if form.pick.data else [])
    if not picks or len(picks) > PIN_LENGTH or any(p not in ps.PIN_PICTURES for p in picks):
        return None
    return picks


@bp.post("/tablet/switch")
def switch_pupil():
    """The big "Not me / switch pupil" button."""
    if current_user.is_authenticated and current_user.is_pupil:
        sessions.end(current_user.get_id())
    return _back_to_class_list()


def _back_to_class_list():
    tablet_id = session.get("tablet")
    session.clear()
    if tablet_id is not None:
        session["tablet"] = tablet_id
    response = redirect(url_for("auth.class_list"))
    response.headers["Clear-Site-Data"] = CLEAR_PUPIL
    return response


@bp.post("/tablet/handover/<int:signin_id>")
def handover(signin_id: int):
    """A teacher hands this signed-in tablet to the class: the teacher is
    signed out here and the tablet shows the class list."""
    if not (current_user.is_authenticated and is_staff(current_user)):
        return redirect(url_for("auth.signin"))
    signin = ps.get_open(signin_id)
    if signin is None:
        flash("That class sign-in has closed. Open it again first.", "error")
        return redirect(url_for("teacher.home"))
    class_or_404(current_user, signin.class_id)
    sessions.end(current_user.get_id())
    session.clear()
    session["tablet"] = signin.id
    response = redirect(url_for("auth.class_list"))
    response.headers["Clear-Site-Data"] = CLEAR_PUPIL
    return response


@bp.post("/tablet/leave")
def leave_tablet():
    """Stop this tablet showing the class list (it forgets the class code).
    It needs an adult: the class code, or a staff member's email and password."""
    signin = _open_tablet_signin()
    if signin is not None and not _adult_confirms(signin):
        flash("Only a grown-up can do that: type the class code, or a staff email and password.", "error")
        return redirect(url_for("auth.class_list"))
    if current_user.is_authenticated and current_user.is_pupil:
        sessions.end(current_user.get_id())
    session.clear()
    response = redirect(url_for("auth.index"))
    response.headers["Clear-Site-Data"] = CLEAR_ADULT
    return response


def _adult_confirms(signin) -> bool:
    """This tablet's own class code (knowing it opens nothing new), or a staff
    email and password of the school (with the sign-in's own lockout)."""
    code = request.form.get("code", "")[:40]
    if code and ps.normalise_code(code) == signin.code:
        return True
    email, password = request.form.get("email", "")[:200], request.form.get("password", "")[:200]
    if email and password:
        user = accounts.authenticate(email, password).user
        return user is not None and is_staff(user) and user.school_id == signin.school_id
    return False


# ----------------------------------------------------------- privacy notices

PRIVACY_NOTICES = {"pupils": "What the app knows about me", "parents": "Privacy notice for parents and carers",
                   "staff": "Privacy notice for school staff"}


@bp.get("/privacy/<audience>")
def privacy(audience: str):
    """The privacy notices in docs/privacy/, in three voices, for everyone to read."""
    if audience not in PRIVACY_NOTICES:
        abort(404)
    body = render_markdown_file(asset_dir("docs") / "privacy" / f"{audience}.md")
    return render_template("auth/privacy.html", title=PRIVACY_NOTICES[audience], body=body, audiences=PRIVACY_NOTICES)
