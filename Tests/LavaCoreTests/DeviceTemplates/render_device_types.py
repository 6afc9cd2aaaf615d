#!/usr/bin/python3
"""Renders every device-type template in DIR with Python's Jinja2 and LAVA's settings, for
DeviceTypeDifferentialTests: prints JSON {"samples": [...], "results": {"SAMPLE/TEMPLATE":
{"text": ...} or {"error": ...}}}. Each sample is a device dictionary (its `{template}` replaced
by the template's name) and render globals, encoded as [type, value] pairs so that ints, floats
and booleans reach Swift unchanged.

    /usr/bin/python3 render_device_types.py DIR
"""
import json
import os
import sys

import jinja2
import jinja2.sandbox

MANY = """{% extends '{template}' %}
{% set connection_command = 'telnet localhost 7001' %}
{% set hard_reset_command = ['/usr/bin/pduclient --command reboot --port 3', 'sleep 1'] %}
{% set power_on_command = '/usr/bin/pduclient --command on --port 3' %}
{% set power_off_command = ['/usr/bin/pduclient --command off --port 3'] %}
{% set soft_reboot_command = 'reboot' %}
{% set pre_power_command = 'relay on' %}
{% set pre_os_command = 'relay off' %}
{% set docker_volumes = ['/srv/a:/a', '/srv/b:/b:ro'] %}
{% set docker_devices = ['/dev/kvm'] %}
{% set docker_networks = ['lava'] %}
{% set docker_capabilities = ['NET_ADMIN', 'SYS_PTRACE'] %}
{% set docker_privileged = True %}
{% set docker_cpus = 1.5 %}
{% set docker_memory = '2g' %}
{% set docker_extra_arguments = ['--shm-size=1g'] %}
{% set docker_remote = 'tcp://10.0.0.2:2375' %}
{% set extra_kernel_args = 'rw rootwait' %}
{% set extra_nfsroot_args = ',vers=3' %}
{% set console_device = 'ttyAMA0' %}
{% set baud_rate = 9600 %}
{% set usb_vendor_id = '0525' %}
{% set usb_product_id = 'a4a5' %}
{% set usb_serial_number = 'USB1234' %}
{% set board_id = 'B0ARD' %}
{% set fastboot_serial_number = 'abc123' %}
{% set adb_serial_number = 'abc123' %}
{% set fastboot_options = ['-u'] %}
{% set fastboot_deploy_uboot_commands = ['fastboot 1'] %}
{% set device_info = [{'board_id': 'abc123', 'usb_vendor_id': '0525', 'usb_product_id': 'a4a5'}] %}
{% set static_info = [{'board_id': 'probe1'}] %}
{% set storage_info = [{'SATA': '/dev/disk/by-id/ata-ST500DM002'}] %}
{% set environment = {'FOO': 'bar', 'N': 1, 'Q': "it's"} %}
{% set parameters = {'interfaces': ['eth0']} %}
{% set interfaces = ['eth0', 'eth1'] %}
{% set sysfs = {'eth0': '/sys/devices/eth0', 'eth1': '/sys/devices/eth1'} %}
{% set mac_addr = {'eth0': '00:11:22:33:44:55', 'eth1': '00:11:22:33:44:56'} %}
{% set tags = {'eth0': ['1G', '10G'], 'eth1': []} %}
{% set map = {'eth0': {'switch1': 5}, 'eth1': {'switch2': 7}} %}
{% set device_ip = '10.0.0.5' %}
{% set device_mac = '00:11:22:33:44:55' %}
{% set user_commands = {'led_on': {'do': 'led on', 'undo': 'led off'}, 'beep': {'do': 'beep'}} %}
{% set uboot_error_messages = ['E1', "it's bad"] %}
{% set depthcharge_error_messages = ['D1'] %}
{% set boot_character_delay = 10 %}
{% set test_character_delay = 5 %}
{% set bootloader_prompt = '=>' %}
{% set interrupt_prompt = 'Hit any key' %}
{% set static_ip = '10.0.0.5' %}
{% set static_gateway = '10.0.0.1' %}
{% set static_netmask = '255.255.255.0' %}
{% set static_dns = '8.8.8.8' %}
{% set sata_uuid = 'uuid-1' %}
{% set sd_uuid = 'uuid-2' %}
{% set sd_label = 'SD' %}
{% set sd_device_id = 0 %}
{% set usb_uuid = 'uuid-3' %}
{% set usb_device_id = 1 %}
{% set flasher_deploy_commands = ['flash {IMAGE}', 'sync'] %}
{% set boot_retry = 2 %}
{% set failure_retry = 3 %}
{% set must_use_connection = True %}
{% set connection_list = ['uart0', 'uart1'] %}
{% set connection_commands = {'uart0': 'telnet a 1', 'uart1': 'telnet a 2'} %}
{% set connection_tags = {'uart0': ['primary', 'telnet'], 'uart1': 'ssh'} %}
{% set qemu_misc_architectures = ['arm', 'aarch64'] %}
{% set uboot_extra_error_message = 'extra' %}
{% set arch = 'arm64' %}
{% set no_kvm = True %}
{% set usb_mass_device = '/dev/sda' %}
{% set recovery_mode_command = ['/usr/bin/recovery on', '/usr/bin/recovery reset'] %}
{% set recovery_exit_command = ['/usr/bin/recovery off'] %}
{% set action_timeout_power_off = 20 %}
{% set connection_timeout_feedback = 7.5 %}
{% set ssh_host = '10.0.0.9' %}
{% set uboot_mac_addr = '00:11:22:33:44:55' %}
{% set use_uboot_env_addr = True %}
{% set text_offset = '0x80000' %}
{% set deploy_dfu_commands = ['dfu 0'] %}
{% set mustang_menu_list = [{'item': 'PXE'}, {'enter': ''}, {'wait': 'Done'}] %}
{% set uuu_usb_otg_path = ['2:143', '2:144'] %}
{% set bcu_board_name = 'imx8mp' %}
{% set resets_after_flash = False %}
{% set wait_before_continue = 3 %}
"""

STRINGS = """
{% extends '{template}' %}
{% set hard_reset_command = '/usr/bin/pduclient --command reboot' %}
{% set power_off_command = '/usr/bin/pduclient --command off' %}
{% set recovery_mode_command = '/usr/bin/recovery on' %}
{% set connection_command = "ssh -o 'User=root' host" %}
{% set docker_volumes = [] %}
{% set docker_privileged = False %}
{% set baud_rate = '115200' %}
{% set extra_kernel_args = '' %}
{% set uboot_interrupt_newline = False %}
{% set boot_character_delay = 0 %}
{% set usb_sleep = 0.5 %}
{% set vexpress_supports_uboot = True %}
{% set use_xip = True %}
{% set has_dtb = False %}
{% set grub_needs_interrupt = False %}
{% set uboot_needs_interrupt = False %}
{% set fastboot_boot_grub = True %}
"""

# Text before extends is kept and after it dropped; a child block overrides the template's.
OVERRIDE = """
# device: override-01
{% extends '{template}' %}
ignored text {{ 1 }}
{% set hard_reset_command = ['/bin/reset a', '/bin/reset b'] %}
{% set console_device = console_device | default('ttyX') %}
{%- block body %}
{{- super() }}
extra: {{ console_device ~ '-' ~ baud_rate|default(1) }}
{% endblock body -%}
{% block timeouts %}timeouts: {{ self.body()|length > 0 }}
{% endblock %}
"""

SAMPLES = [
    {"name": "bare", "dictionary": "{% extends '{template}' %}", "globals": {}},
    {"name": "many", "dictionary": MANY, "globals": {}},
    {"name": "strings", "dictionary": STRINGS, "globals": {}},
    {"name": "override", "dictionary": OVERRIDE, "globals": {}},
    {
        "name": "context",
        "dictionary": "{% extends '{template}' %}\n{% set console_device = 'ttyS0' %}\n",
        "globals": {
            "arch": "amd64", "memory": 2048, "cpus": 2, "netdevice": "tap", "extra_options": ["-smp 2", "-nographic"],
            "guestfs_interface": "virtio", "guestfs_size": 512, "no_kvm": True, "console_device": "ttyS1",
            "extra_kernel_args": "quiet", "boot_character_delay": 20, "lava_test_results_dir": "/tmp/lava-%s",
            "bootloader_prompt": "=>", "kernel_start_message": None, "test_character_delay": 1.25,
            "docker_volumes": ["/x:/y"], "machine": "virt", "cpu": "cortex-a57",
        },
    },
]


def tagged(value):
    if value is None:
        return ["n", None]
    if isinstance(value, bool):
        return ["b", value]
    if isinstance(value, int):
        return ["i", value]
    if isinstance(value, float):
        return ["f", value]
    if isinstance(value, str):
        return ["s", value]
    if isinstance(value, list):
        return ["l", [tagged(v) for v in value]]
    if isinstance(value, dict):
        return ["d", [[tagged(k), tagged(v)] for k, v in value.items()]]
    raise TypeError(type(value))


def main():
    directory = sys.argv[1]
    env = jinja2.sandbox.SandboxedEnvironment(
        loader=jinja2.FileSystemLoader([directory]), autoescape=False, trim_blocks=True
    )
    results = {}
    for template in sorted(os.listdir(directory)):
        if not template.endswith(".jinja2"):
            continue
        for sample in SAMPLES:
            source = sample["dictionary"].replace("{template}", template)
            key = sample["name"] + "/" + template
            try:
                results[key] = {"text": env.from_string(source).render(**sample["globals"])}
            except Exception as error:  # Swift must fail too; the message may differ.
                results[key] = {"error": "%s: %s" % (type(error).__name__, error)}
    samples = [
        {"name": s["name"], "dictionary": s["dictionary"], "globals": {k: tagged(v) for k, v in s["globals"].items()}}
        for s in SAMPLES
    ]
    json.dump({"jinja2": jinja2.__version__, "samples": samples, "results": results}, sys.stdout)


if __name__ == "__main__":
    main()
