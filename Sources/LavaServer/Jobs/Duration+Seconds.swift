extension Duration {
    /// Seconds as stored in the database.
    public var seconds: Double {
        Double(components.seconds) + Double(components.attoseconds) / 1e18
    }
}
