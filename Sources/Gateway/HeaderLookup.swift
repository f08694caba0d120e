import HTTPTypes

extension HTTPFields {
    /// `self[name]` for the headers read on every request (Authorization, X-Amz-Target):
    /// HTTPTypes' subscript joins every match through a lazy map (~4 K instructions); one
    /// field, the usual case, is read in a pass. Repeated fields are still joined as it joins them.
    func single(_ name: HTTPField.Name) -> String? {
        var found: String?
        for field in self where field.name == name {
            if found != nil { return self[name] }
            found = field.value
        }
        return found
    }
}
