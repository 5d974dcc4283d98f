//! The HTML the emulator serves: sign-in and device-login forms with real buttons (browser tests
//! click them), the auto-submitting `form_post` answer, and short message pages. Every value
//! that comes from a request is HTML-escaped.

use super::message::html_escape as esc;

const STYLE: &str = "body{font-family:sans-serif;max-width:28em;margin:3em auto;color:#1b1b1b}\
label{display:block;margin-top:1em}input{width:100%;padding:.4em;box-sizing:border-box}\
button{margin-top:1.2em;margin-right:.6em;padding:.5em 1.4em}.error{color:#a80000}";

/// What Entra's sign-in pages say to wrong credentials.
pub(crate) const BAD_CREDENTIALS: &str =
    "Your account or password is incorrect. If you don't remember your password, reset it now.";

fn shell(title: &str, body: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{}</title>\
         <style>{STYLE}</style></head><body>{body}</body></html>\n",
        esc(title)
    )
}

fn error_line(error: Option<&str>) -> String {
    error
        .map(|e| {
            format!(
                "<p class=\"error\" id=\"error\" role=\"alert\">{}</p>",
                esc(e)
            )
        })
        .unwrap_or_default()
}

/// A page with a heading and one paragraph.
pub(crate) fn message_page(title: &str, text: &str) -> String {
    shell(
        title,
        &format!("<h1>{}</h1><p id=\"message\">{}</p>", esc(title), esc(text)),
    )
}

/// The `/devicelogin` form: code, username, password, Approve and Decline.
pub(crate) fn device_login(
    user_code: &str,
    username: &str,
    password: &str,
    error: Option<&str>,
) -> String {
    shell(
        "Enter code",
        &format!(
            "<h1>Enter code</h1><p>Enter the code displayed on your app or device.</p>{}\
             <form method=\"post\" action=\"/devicelogin\">\
             <label for=\"user_code\">Code</label>\
             <input id=\"user_code\" name=\"user_code\" value=\"{}\" autocomplete=\"off\">\
             <label for=\"username\">Email or phone</label>\
             <input id=\"username\" name=\"username\" value=\"{}\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" value=\"{}\">\
             <button id=\"approve\" type=\"submit\" name=\"action\" value=\"approve\">Approve</button>\
             <button id=\"decline\" type=\"submit\" name=\"action\" value=\"decline\">Decline</button>\
             </form>",
            error_line(error),
            esc(user_code),
            esc(username),
            esc(password),
        ),
    )
}

/// The authorize sign-in form. `hidden` carries the authorize request's parameters through
/// the POST.
pub(crate) fn sign_in(
    action: &str,
    hidden: &[(String, String)],
    username: &str,
    password: &str,
    error: Option<&str>,
) -> String {
    let fields: String = hidden
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\">",
                esc(k),
                esc(v)
            )
        })
        .collect();
    shell(
        "Sign in to your account",
        &format!(
            "<h1>Sign in</h1>{}<form method=\"post\" action=\"{}\">{fields}\
             <label for=\"username\">Email or phone</label>\
             <input id=\"username\" name=\"username\" value=\"{}\">\
             <label for=\"password\">Password</label>\
             <input id=\"password\" name=\"password\" type=\"password\" value=\"{}\">\
             <button id=\"signin\" type=\"submit\" name=\"action\" value=\"signin\">Sign in</button>\
             <button id=\"cancel\" type=\"submit\" name=\"action\" value=\"cancel\">Cancel</button>\
             </form>",
            error_line(error),
            esc(action),
            esc(username),
            esc(password),
        ),
    )
}

/// Entra's `response_mode=form_post` answer: a form that posts itself to the redirect URI.
pub(crate) fn form_post(redirect_uri: &str, fields: &[(&str, &str)]) -> String {
    let inputs: String = fields
        .iter()
        .map(|(k, v)| {
            format!(
                "<input type=\"hidden\" name=\"{}\" value=\"{}\" />",
                esc(k),
                esc(v)
            )
        })
        .collect();
    format!(
        "<html><head><title>Working...</title></head><body>\
         <form method=\"POST\" name=\"hiddenform\" action=\"{}\">{inputs}\
         <noscript><p>Script is disabled. Click Submit to continue.</p>\
         <input type=\"submit\" value=\"Submit\" /></noscript></form>\
         <script language=\"javascript\">document.forms[0].submit();</script></body></html>",
        esc(redirect_uri)
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pages_escape_what_they_echo() {
        let p = form_post("http://localhost:1/?a=\"b\"", &[("state", "<x>")]);
        assert!(
            p.contains("action=\"http://localhost:1/?a=&quot;b&quot;\""),
            "{p}"
        );
        assert!(p.contains("value=\"&lt;x&gt;\""), "{p}");
        assert!(p.contains("document.forms[0].submit()"));
        let s = sign_in(
            "/t/oauth2/v2.0/authorize",
            &[("state".into(), "\"><script>".into())],
            "u",
            "p",
            Some("<b>"),
        );
        assert!(!s.contains("\"><script>") && s.contains("&lt;b&gt;"), "{s}");
        assert!(s.contains(">Sign in</button>"));
    }
}
