//! The second factor for logging in: time-based one-time passwords (TOTP, RFC 6238; any
//! authenticator app: 6 digits, 30 seconds, SHA-1) and recovery codes. Pure: the caller
//! gives the time and keeps what was used.

use totp_rs::{Algorithm, Builder, Secret, Totp};

/// Seconds a code lasts.
pub const STEP_SECONDS: u64 = 30;
/// Codes of the step before and after are accepted too (clocks drift).
pub const SKEW_STEPS: u16 = 1;
/// Recovery codes made at set-up.
pub const RECOVERY_CODES: usize = 10;

fn totp(secret_base32: &str) -> Option<Totp> {
    let secret = Secret::try_from_base32(secret_base32).ok()?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(SKEW_STEPS)
        .with_step_duration(STEP_SECONDS)
        .with_secret(secret.as_bytes().to_vec())
        .build()
        .ok()
}

/// A new shared secret (160 random bits, RFC 4226) as base32, from `random` bytes.
pub fn secret_from(random: [u8; 20]) -> String {
    Secret::from(random.to_vec()).to_base32()
}

/// The code for `secret` at `unix_time` (for tests and the set-up check).
pub fn code_at(secret_base32: &str, unix_time: u64) -> Option<String> {
    Some(totp(secret_base32)?.generate(unix_time).to_string())
}

/// The time step `code` belongs to, if it is valid at `unix_time` (within the skew) and
/// newer than `last_step` (each code works once).
pub fn check(
    secret_base32: &str,
    code: &str,
    unix_time: u64,
    last_step: Option<i64>,
) -> Option<i64> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    let step = totp(secret_base32)?.check(&code, unix_time)? as i64;
    last_step.is_none_or(|last| step > last).then_some(step)
}

/// The link an authenticator app reads (as a QR code, or typed by hand).
pub fn otpauth_uri(secret_base32: &str, account: &str, issuer: &str) -> String {
    let label = format!("{issuer}:{account}");
    format!(
        "otpauth://totp/{}?secret={secret_base32}&issuer={}&algorithm=SHA1&digits=6&period={STEP_SECONDS}",
        percent(&label),
        percent(issuer)
    )
}

fn percent(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'.' | b'_' | b'~' | b'@' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// A recovery code as shown to the person (`xxxx-xxxx`, letters and digits that are not
/// easily confused), from 5 random bytes.
pub fn recovery_code_from(random: [u8; 5]) -> String {
    const ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";
    let mut n = random.iter().fold(0u64, |acc, b| acc << 8 | u64::from(*b));
    let mut out = String::with_capacity(9);
    for i in 0..8 {
        if i == 4 {
            out.push('-');
        }
        out.push(ALPHABET[(n % ALPHABET.len() as u64) as usize] as char);
        n /= ALPHABET.len() as u64;
    }
    out
}

/// A recovery code as typed, the way it is compared (case and dashes do not matter).
pub fn normal_recovery_code(typed: &str) -> String {
    typed
        .chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .map(|c| c.to_ascii_lowercase())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: &str = "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ";

    #[test]
    fn codes_follow_rfc_6238() {
        // RFC 6238 appendix B, SHA-1, last six digits: 59 s → 287082, 1111111109 → 081804.
        assert_eq!(code_at(SECRET, 59).as_deref(), Some("287082"));
        assert_eq!(code_at(SECRET, 1_111_111_109).as_deref(), Some("081804"));
    }

    #[test]
    fn a_code_works_once_and_only_near_its_time() {
        let now = 1_800_000_000;
        let code = code_at(SECRET, now).expect("code");
        let step = check(SECRET, &code, now, None).expect("valid");
        assert_eq!(check(SECRET, &code, now, Some(step)), None, "used already");
        assert!(
            check(SECRET, &code, now + 30, None).is_some(),
            "a step later still fine"
        );
        assert_eq!(check(SECRET, &code, now + 120, None), None, "too old");
        assert_eq!(
            check(SECRET, "000000", now, None).filter(|_| code != "000000"),
            None
        );
        assert!(check(SECRET, &format!("{} {}", &code[..3], &code[3..]), now, None).is_some());
    }

    #[test]
    fn recovery_codes_read_well_and_compare_loosely() {
        let code = recovery_code_from([1, 2, 3, 4, 5]);
        assert_eq!(code.len(), 9);
        assert_eq!(&code[4..5], "-");
        assert_eq!(
            normal_recovery_code(&code.to_uppercase()),
            code.replace('-', "")
        );
        assert!(
            otpauth_uri(SECRET, "lea@example.org", "Bleibe")
                .starts_with("otpauth://totp/Bleibe%3Alea@example.org?secret=GEZDGNBV")
        );
    }
}
