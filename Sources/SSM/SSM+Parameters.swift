import CloudCafeCore
import Foundation
import SSMAPI

// MARK: - Operations

extension SSM {
    /// A parameter's ARN: names with a leading `/` are appended as they are.
    static func parameterArn(_ name: String, _ ctx: CallContext) -> ARN {
        ctx.arn("ssm", name.hasPrefix("/") ? "parameter\(name)" : "parameter/\(name)")
    }

    func putParameter(_ input: PutParameterRequest, _ ctx: CallContext) throws(SSMError) -> PutParameterResult {
        try Self.validateName(input.name)
        // The model leaves the value's bounds out; AWS states them as one constraint.
        guard !input.value.isEmpty, input.value.utf8.count <= 4096 else {
            throw .validation(
                ConstraintViolation.message([.init(path: "value", value: nil, constraint: "Member must have length between 1 and 4096")]))
        }
        let type = input.type.flatMap(ParameterType.init(rawValue:))
        let key = Key(region: ctx.region, name: input.name)
        if var existing = parameters[key] {
            guard input.overwrite == true else { throw .alreadyExists() }
            let version = existing.current.version + 1
            existing.versions.append(
                .init(
                    value: input.value, type: type ?? existing.current.type,
                    description: input.description ?? existing.current.description, modified: ctx.now, version: version))
            parameters[key] = existing
            return PutParameterResult(version: version, tier: "Standard")
        }
        guard let type else {
            throw .validation("A parameter type is required when you create a parameter.")
        }
        parameters[key] = StoredParameter(
            name: input.name, arn: Self.parameterArn(input.name, ctx),
            versions: [.init(value: input.value, type: type, description: input.description, modified: ctx.now, version: 1)])
        return PutParameterResult(version: 1, tier: "Standard")
    }

    func getParameter(_ input: GetParameterRequest, _ ctx: CallContext) throws(SSMError) -> GetParameterResult {
        guard let stored = parameters[Key(region: ctx.region, name: input.name)] else { throw .notFound(input.name) }
        // Without decryption AWS returns the KMS ciphertext, never the plain value.
        return GetParameterResult(parameter: view(stored, version: stored.current, decrypt: input.withDecryption == true))
    }

    /// An opaque stand-in for a KMS ciphertext blob: stable for a value, useless without decryption.
    static func ciphertext(_ value: String, name: String) -> String {
        var h: UInt64 = 0xCBF2_9CE4_8422_2325
        for b in (name + "\u{0}" + value).utf8 {
            h = (h ^ UInt64(b)) &* 0x100_0000_01B3
        }
        let bytes = (0..<48).map { i in UInt8(truncatingIfNeeded: (h &* UInt64(i + 1)) >> (8 * UInt64(i % 8))) }
        return "AQICAH" + Data(bytes).base64EncodedString()
    }

    static func validateName(_ name: String) throws(SSMError) {
        let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_.-/")
        guard (1...2048).contains(name.count), name.allSatisfy(allowed.contains) else {
            throw .validation(
                "Parameter name: can't be prefixed with \"aws\" or \"ssm\" (case-insensitive). It must use only letters, numbers, or the following symbols: . (period), - (hyphen), _ (underscore). Special characters are not allowed. All sub-paths, if specified, must use the forward slash symbol \"/\". Valid example: /get/parameters2-/by1./path0_."
            )
        }
    }
}
