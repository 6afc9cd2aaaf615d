enum DockerEnginePlaceholder {}
