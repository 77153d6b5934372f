"""Sign in: with a password (and a reset code from an admin), or through the OIDC provider."""

from __future__ import annotations

from datetime import timedelta

import streamlit as st
from streamlit.errors import StreamlitAuthError

from coach.errors import AccountError
from coach.services import accounts
from coach.ui.auth import client_address, show_notice, start_session
from coach.ui.frame import current_setup

setup = current_setup()
settings, db = setup.settings, setup.db

st.title("Sign in")
show_notice()

if settings.auth == "oidc":
    st.markdown("This coach signs you in through your organisation's account.")
    if st.button("Sign in with your organisation", key="sign_in_oidc", type="primary"):
        try:
            st.login()
        except StreamlitAuthError as error:
            # Misconfigured [auth] secrets: say so instead of a traceback.
            st.error(f"Sign-in is not set up correctly on this server: {error}")
    st.stop()

lifetime = timedelta(hours=settings.session_hours)
with st.form("sign_in_form"):
    email = st.text_input("E-mail address", key="sign_in_email", autocomplete="email")
    password = st.text_input(
        "Password", type="password", key="sign_in_password", autocomplete="current-password"
    )
    submitted = st.form_submit_button("Sign in", type="primary")
if submitted:
    try:
        signed = accounts.sign_in(
            db,
            email=email,
            password=password,
            lifetime=lifetime,
            source=client_address(settings),
        )
    except AccountError as error:
        st.error(str(error))
    else:
        start_session(signed, settings)
        st.rerun()

if settings.allow_signup:
    with st.expander("New here? Create an account"):
        with st.form("sign_up_form"):
            name = st.text_input("Your name", key="sign_up_name", max_chars=120)
            new_email = st.text_input("E-mail address", key="sign_up_email")
            new_password = st.text_input(
                "Password (10 or more characters)",
                type="password",
                key="sign_up_password",
                autocomplete="new-password",
            )
            created = st.form_submit_button("Create account")
        if created:
            try:
                accounts.register(db, email=new_email, password=new_password, display_name=name)
                signed = accounts.sign_in(
                    db, email=new_email, password=new_password, lifetime=lifetime
                )
            except AccountError as error:
                st.error(str(error))
            else:
                start_session(signed, settings)
                st.rerun()

with st.expander("Have a reset code from an admin?"):
    with st.form("reset_form"):
        reset_email = st.text_input("E-mail address", key="reset_email")
        code = st.text_input("Reset code", key="reset_code")
        chosen = st.text_input(
            "New password", type="password", key="reset_password", autocomplete="new-password"
        )
        reset = st.form_submit_button("Set new password")
    if reset:
        try:
            accounts.reset_password(db, email=reset_email, code=code, new_password=chosen)
        except AccountError as error:
            st.error(str(error))
        else:
            st.success("Password changed: sign in with it above.")
