//! Field names that do not come from the schema (custom variables `_NAME`, timeperiod
//! exception dates), interned so that every [`Field`](super::Field) names itself with a
//! `&'static str` (16 bytes, no allocation per object).
//!
//! Each distinct name is stored once for the life of the process. The set is bounded by the
//! distinct names in the configurations read, so a long-running `serve` that reloads an
//! unchanged or slowly changing configuration does not grow it.

use std::cell::RefCell;
use std::sync::{Mutex, OnceLock};

use rustc_hash::FxHashSet;

/// The interned copy of `name`.
pub fn intern(name: &str) -> &'static str {
    thread_local! {
        static LOCAL: RefCell<FxHashSet<&'static str>> = RefCell::default();
    }
    if let Some(found) = LOCAL.with(|local| local.borrow().get(name).copied()) {
        return found;
    }
    static GLOBAL: OnceLock<Mutex<FxHashSet<&'static str>>> = OnceLock::new();
    let global = GLOBAL.get_or_init(Mutex::default);
    let interned = {
        let mut set = global.lock().unwrap_or_else(|poisoned| poisoned.into_inner());
        match set.get(name) {
            Some(found) => *found,
            None => {
                let leaked: &'static str = Box::leak(name.to_owned().into_boxed_str());
                set.insert(leaked);
                leaked
            }
        }
    };
    LOCAL.with(|local| local.borrow_mut().insert(interned));
    interned
}

/// The interned `_NAME` of custom variable `NAME`.
pub fn custom(name: &str) -> &'static str {
    let mut full = String::with_capacity(name.len() + 1);
    full.push('_');
    full.push_str(name);
    intern(&full)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_names_share_one_copy() {
        let a = intern("december 25");
        let b = intern(&String::from("december 25"));
        assert_eq!(a, "december 25");
        assert!(std::ptr::eq(a, b));
        let t = std::thread::spawn(|| intern("december 25") as *const str as *const u8 as usize);
        let from_thread = t.join().unwrap_or_default();
        assert_eq!(from_thread, a as *const str as *const u8 as usize);
        assert_eq!(custom("SITE"), "_SITE");
    }
}
