//! The pages the loopback listener shows in the browser, with az's wording: success, the Entra
//! error, and the short plain answers to requests that are not the redirect.

/// The success page: az's title, heading and a one-minute redirect to the Azure CLI docs.
pub const SUCCESS_PAGE: &str = "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n\
<meta charset=\"utf-8\">\n\
<meta http-equiv=\"refresh\" content=\"60;url=https://learn.microsoft.com/cli/azure/\">\n\
<title>Login successfully</title>\n\
<style>body{font-family:sans-serif;max-width:40em;margin:3em auto;color:#1b1b1b}</style>\n\
</head>\n<body>\n\
<h3>You have logged into Microsoft Azure!</h3>\n\
<p>You can close this window, or we will redirect you to the \
<a href=\"https://learn.microsoft.com/cli/azure/\">Azure CLI documentation</a> in 1 minute.</p>\n\
</body>\n</html>\n";

/// Where az's error page sends people to report a problem.
const ISSUES_URL: &str = "https://github.com/Azure/azure-cli/issues";

/// The answer to a redirect whose `state` is not this login's.
pub const STATE_MISMATCH: &str = "State mismatch. Waiting for next response... or you may abort.";

/// The answer to a GET carrying a query: only `form_post` answers are taken, so a code never
/// sits in the browser's history.
pub const QUERY_REFUSED: &str = "This login accepts the sign-in answer only as a form POST \
(response_mode=form_post). Waiting for next response... or you may abort.";

/// The answer to anything else (a favicon, an empty POST, a stray request).
pub const NOT_THE_REDIRECT: &str =
    "This is not a sign-in answer. Waiting for next response... or you may abort.";

/// The error page: `$error: $error_description. ($error_uri)`, every value HTML-escaped and a
/// missing one empty, as az's template does.
pub fn error_page(error: &str, description: &str, error_uri: &str) -> String {
    format!(
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <title>Login failed</title>\n\
         <style>body{{font-family:sans-serif;max-width:40em;margin:3em auto;color:#1b1b1b}}</style>\n\
         </head>\n<body>\n<h3>Authentication failed</h3>\n<p>{}: {}. ({})</p>\n\
         <p>If the problem persists, please report it at \
         <a href=\"{ISSUES_URL}\">{ISSUES_URL}</a>.</p>\n</body>\n</html>\n",
        html_escape(error),
        html_escape(description),
        html_escape(error_uri),
    )
}

/// Escapes text for HTML element content and attribute values (Python's `html.escape` with
/// `quote=True`).
pub fn html_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#x27;"),
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn success_page_has_azs_wording() {
        assert!(SUCCESS_PAGE.contains("<title>Login successfully</title>"));
        assert!(SUCCESS_PAGE.contains("You have logged into Microsoft Azure!"));
        assert!(SUCCESS_PAGE.contains(
            "<meta http-equiv=\"refresh\" content=\"60;url=https://learn.microsoft.com/cli/azure/\">"
        ));
        assert!(SUCCESS_PAGE.contains("in 1 minute"));
    }

    #[test]
    fn error_page_escapes_every_value() {
        let page = error_page(
            "access_denied",
            "AADSTS65004: <script>alert('x')</script> & \"more\"",
            "",
        );
        assert!(page.contains("<title>Login failed</title>"));
        assert!(page.contains("<h3>Authentication failed</h3>"));
        assert!(page.contains(
            "<p>access_denied: AADSTS65004: &lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &quot;more&quot;. ()</p>"
        ), "{page}");
        assert!(!page.contains("<script>"));
        assert!(page.contains("https://github.com/Azure/azure-cli/issues"));
    }
}
