import Yams

/// A job's `context`: variables its device's templates are rendered with (spec §2.3). As LAVA's
/// submission schema, only the names in `allowed`, each an integer, a string, a boolean or a list
/// of integers and strings: the rest of a device's configuration (`docker_volumes`,
/// `docker_privileged`, …) belongs to its dictionary, never to whoever submits a job.
public struct JobContext: Sendable, Equatable {
    /// LAVA 2023.01's `CONTEXT_VARIABLES` (lava_common/schemas/__init__.py).
    public static let allowed: Set<String> = [
        // qemu
        "arch", "boot_console", "boot_root", "cpu", "extra_options", "guestfs_driveid", "guestfs_interface",
        "guestfs_size", "machine", "memory", "model", "monitor", "netdevice", "no_kvm", "serial", "vga",
        // u-boot
        "booti_dtb_addr", "booti_kernel_addr", "booti_ramdisk_addr", "bootm_dtb_addr", "bootm_kernel_addr",
        "bootm_ramdisk_addr", "bootz_dtb_addr", "bootz_kernel_addr", "bootz_ramdisk_addr",
        // others
        "boot_character_delay", "boot_retry", "bootloader_prompt", "console_device", "custom_kernel_args",
        "extra_kernel_args", "extra_nfsroot_args", "failure_retry", "kernel_loglevel", "kernel_start_message",
        "lava_test_results_dir", "menu_interrupt_prompt", "mustang_menu_list", "test_character_delay",
        "tftp_mac_address", "uboot_extra_error_message", "uboot_needs_interrupt", "uboot_altbank",
    ]

    public let variables: [String: TemplateValue]

    public static let empty = JobContext(variables: [:])

    private init(variables: [String: TemplateValue]) {
        self.variables = variables
    }

    /// `node` is the definition's `context` value, nil when it has none.
    init(_ node: Node?) throws(JobDefinitionError) {
        guard let node else {
            self.init(variables: [:])
            return
        }
        guard let fields = node.mapping else {
            throw JobDefinitionError("'context' must be a mapping of template variables, e.g. context: {console_device: ttyS0}")
        }
        var variables: [String: TemplateValue] = [:]
        for (key, value) in fields {
            guard let name = YAMLNodes.string(key), Self.allowed.contains(name) else {
                throw JobDefinitionError("'context' may not set '\(key.scalar?.string ?? "\(key)")': a job's context sets only "
                    + Self.allowed.sorted().joined(separator: ", "))
            }
            guard Self.isAllowedValue(value) else {
                throw JobDefinitionError("'context.\(name)' must be an integer, a string, a boolean or a list of integers and strings")
            }
            guard Self.isOneLine(value) else {
                throw JobDefinitionError("'context.\(name)' must be on one line, without control characters")
            }
            do {
                variables[name] = try TemplateValue(yaml: value)
            } catch {
                throw JobDefinitionError("'context.\(name)': \(error.message)")
            }
        }
        self.init(variables: variables)
    }

    /// The context of a stored definition, checked again: the job fetch renders with it.
    public init(definition yaml: String) throws(JobDefinitionError) {
        try self.init(Self.compose(yaml)?.mapping?["context"])
    }

    /// A context on its own, e.g. `{console_device: ttyS1}`.
    public init(yaml: String) throws(JobDefinitionError) {
        try self.init(Self.compose(yaml) ?? .mapping([:]))
    }

    private static func compose(_ yaml: String) throws(JobDefinitionError) -> Node? {
        do {
            return try UntrustedYAML.compose(yaml)
        } catch {
            throw JobDefinitionError("not valid YAML: \(error)")
        }
    }

    /// The templates print a value unquoted into the device's YAML (LAVA's too): a line break
    /// there would let the submitter add configuration keys of their own choosing.
    private static func isOneLine(_ node: Node) -> Bool {
        let scalars = node.sequence.map { Array($0) } ?? [node]
        return scalars.allSatisfy { item in
            (item.scalar?.string ?? "").unicodeScalars.allSatisfy {
                ![.control, .lineSeparator, .paragraphSeparator].contains($0.properties.generalCategory)
            }
        }
    }

    private static func isAllowedValue(_ node: Node) -> Bool {
        switch node {
        case .scalar:
            return [.int, .str, .bool].contains(YAMLNodes.tagName(node))
        case .sequence(let items):
            return items.allSatisfy { $0.scalar != nil && [.int, .str].contains(YAMLNodes.tagName($0)) }
        default:
            return false
        }
    }
}
