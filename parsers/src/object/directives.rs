//! Which directive names each object type accepts (Nagios 4.4.6 `xodtemplate_add_object_property`).
//! Filled in by the directive-table work; until then every name is accepted.

use super::ObjectType;

/// True when Nagios 4.4.6 accepts directive `name` in a definition of `object_type`.
pub fn is_known_directive(object_type: ObjectType, name: &str) -> bool {
    let _ = (object_type, name);
    true
}
